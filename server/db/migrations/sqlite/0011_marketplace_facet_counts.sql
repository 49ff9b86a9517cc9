-- Published courses per license and facet combination (category, level, language, free),
-- kept by triggers, so catalog facet counts without a text query or range filter are read
-- from a few hundred rows instead of counted over every course.
CREATE TABLE `course_facet_counts` (
  `license_id` text NOT NULL,
  `category` text NOT NULL,
  `level` text NOT NULL,
  `language` text NOT NULL,
  `free` integer NOT NULL,
  `n` integer NOT NULL,
  PRIMARY KEY (`license_id`, `category`, `level`, `language`, `free`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO course_facet_counts (license_id, category, level, language, free, n)
  SELECT license_id, category, level, language, price_amount = 0, count(*)
  FROM courses WHERE status = 'published' GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
CREATE TRIGGER `course_facet_counts_insert` AFTER INSERT ON `courses`
WHEN new.status = 'published' BEGIN
  INSERT OR IGNORE INTO course_facet_counts VALUES
    (new.license_id, new.category, new.level, new.language, new.price_amount = 0, 0);
  UPDATE course_facet_counts SET n = n + 1
    WHERE license_id = new.license_id AND category = new.category AND level = new.level
      AND language = new.language AND free = (new.price_amount = 0);
END;
--> statement-breakpoint
CREATE TRIGGER `course_facet_counts_delete` AFTER DELETE ON `courses`
WHEN old.status = 'published' BEGIN
  UPDATE course_facet_counts SET n = n - 1
    WHERE license_id = old.license_id AND category = old.category AND level = old.level
      AND language = old.language AND free = (old.price_amount = 0);
END;
--> statement-breakpoint
CREATE TRIGGER `course_facet_counts_update` AFTER UPDATE OF status, category, level, language, price_amount ON `courses` BEGIN
  UPDATE course_facet_counts SET n = n - 1
    WHERE old.status = 'published' AND license_id = old.license_id AND category = old.category
      AND level = old.level AND language = old.language AND free = (old.price_amount = 0);
  INSERT OR IGNORE INTO course_facet_counts
    SELECT new.license_id, new.category, new.level, new.language, new.price_amount = 0, 0
    WHERE new.status = 'published';
  UPDATE course_facet_counts SET n = n + 1
    WHERE new.status = 'published' AND license_id = new.license_id AND category = new.category
      AND level = new.level AND language = new.language AND free = (new.price_amount = 0);
END;
