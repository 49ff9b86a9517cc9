import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { first } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { Product } from '../payments/products.js';
import type { RewardsService } from '../rewards/service.js';
import type { Earnings } from './earnings.js';
import { courses } from './schema.js';
import type { MarketplaceService } from './service.js';

/**
 * A course payment's `item`: the course id, then the coupon code after a colon when one was
 * applied (course ids never contain one). The coupon is part of the item, so a checkout with
 * and one without a coupon are different payments.
 */
export function courseItem(courseId: string, couponCode?: string): string {
  return couponCode ? `${courseId}:${couponCode}` : courseId;
}

export function parseCourseItem(item: string): { courseId: string; couponCode: string | null } {
  const at = item.indexOf(':');
  return at === -1
    ? { courseId: item, couponCode: null }
    : { courseId: item.slice(0, at), couponCode: item.slice(at + 1) };
}

function couponRefused(message: string): ApiError {
  return new ApiError('validation_failed', `The coupon cannot be used: ${message}`, {
    errors: [{ path: 'body.couponCode', message }],
  });
}

/**
 * Courses sold through the payments module. The price comes from the catalog (and a coupon
 * the rewards module issued to this learner), never from the request; the effects of a
 * payment — enrollment, coupon used, revenue split, partner event — happen in the very
 * transaction that records it as paid, and a refund reverses the shares in its own.
 */
export function courseProduct(deps: {
  marketplace: MarketplaceService;
  earnings: Earnings;
  rewards: RewardsService;
  logger: Logger;
}): Product<'course'> {
  const { marketplace, earnings, rewards, logger } = deps;
  return {
    async price(learner, request) {
      const course = await marketplace.catalog.publishedCourse(learner.licenseId, request.courseId);
      if (await marketplace.enrollments.isEnrolled(learner.licenseId, course.id, learner.id)) {
        throw new ApiError('conflict', 'You are enrolled in this course already.', {
          extensions: { reason: 'already_enrolled' },
        });
      }
      if (course.priceAmount === 0) {
        throw new ApiError(
          'conflict',
          `This course is free: enroll with POST /v1/courses/${course.id}/enroll instead.`,
          { extensions: { reason: 'free_course' } },
        );
      }
      let amount = course.priceAmount;
      const metadata: Record<string, string> = { course_id: course.id };
      const code = request.couponCode;
      if (code) {
        const coupon = await rewards.redemptions.coupon(learner.licenseId, code);
        if (!coupon || coupon.learnerId !== learner.subject) {
          throw couponRefused('unknown, used, or issued to someone else');
        }
        if (coupon.courseId && coupon.courseId !== course.id) {
          throw couponRefused('it is for another course');
        }
        let discount = 0;
        if (coupon.percentOff) {
          discount = Math.floor((amount * coupon.percentOff) / 100);
        } else if (coupon.amountOff) {
          if ((coupon.currency ?? '').toUpperCase() !== course.currency) {
            throw couponRefused(`it is in ${coupon.currency}, the course in ${course.currency}`);
          }
          discount = Math.min(coupon.amountOff, amount);
        }
        amount -= discount;
        if (amount < 1) throw couponRefused('it covers the whole price; ask for a free enrollment');
        metadata.coupon_code = coupon.code;
      }
      return {
        kind: 'course',
        item: courseItem(course.id, code),
        amount,
        currency: course.currency,
        description: course.title.slice(0, 200),
        metadata,
      };
    },

    async succeeded(tx, payment, now) {
      // Payments' transaction, typed as the store's (payments hands in its own type).
      const write = tx;
      const { courseId, couponCode } = parseCourseItem(payment.item);
      const course = first(
        await write
          .select()
          .from(courses)
          .where(and(eq(courses.licenseId, payment.licenseId), eq(courses.id, courseId)))
          .limit(1),
      );
      if (!course) {
        logger.error({ paymentId: payment.id, courseId }, 'paid course not found');
        return;
      }
      await marketplace.enrollments.enroll(
        write,
        {
          licenseId: payment.licenseId,
          courseId,
          learnerId: payment.learnerId,
          source: 'purchase',
          paymentId: payment.id,
        },
        now,
      );
      if (
        couponCode &&
        !(await rewards.redemptions.useCoupon(write, payment.licenseId, couponCode, now))
      ) {
        logger.warn(
          { paymentId: payment.id },
          'coupon was used already when the payment succeeded',
        );
      }
      await earnings.recordSale(write, payment, course, now);
    },

    async refunded(tx, payment, refund, now) {
      const write = tx;
      await earnings.recordRefund(write, payment, refund, now);
      if (refund.full) {
        const { courseId } = parseCourseItem(payment.item);
        await marketplace.enrollments.endEnrollment(
          write,
          payment.licenseId,
          courseId,
          payment.learnerId,
          now,
        );
      }
    },
  };
}
