import { createRouter } from '../../router.js';
import { customerAdminRoutes } from './routes/customer-admin.js';
import { customerServerRoutes } from './routes/customer-server.js';
import { learnerRoutes } from './routes/learner.js';

export { rewardAdminRoutes } from './routes/operator.js';

/**
 * `/v1/rewards`: one sub-app per audience (learners, the customer's servers, the customer's
 * admins), each with its own credentials. The operator's `/v1/admin/rewards` is
 * `rewardAdminRoutes`.
 */
export const rewardRoutes = createRouter()
  .route('/', learnerRoutes)
  .route('/', customerServerRoutes)
  .route('/', customerAdminRoutes);
