-- Full-text search over courses: an external-content FTS5 table on courses.seq, kept in step
-- by triggers. Prefix indexes of 2, 3 and 4 characters make type-ahead queries (`pyth*`) cheap.
CREATE VIRTUAL TABLE `courses_fts` USING fts5(
  title, subtitle, tags, description,
  content='courses', content_rowid='seq',
  prefix='2 3 4', tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `courses_fts_insert` AFTER INSERT ON `courses` BEGIN
  INSERT INTO courses_fts(rowid, title, subtitle, tags, description)
  VALUES (new.seq, new.title, new.subtitle, new.tags, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `courses_fts_delete` AFTER DELETE ON `courses` BEGIN
  INSERT INTO courses_fts(courses_fts, rowid, title, subtitle, tags, description)
  VALUES ('delete', old.seq, old.title, old.subtitle, old.tags, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `courses_fts_update` AFTER UPDATE OF title, subtitle, tags, description ON `courses` BEGIN
  INSERT INTO courses_fts(courses_fts, rowid, title, subtitle, tags, description)
  VALUES ('delete', old.seq, old.title, old.subtitle, old.tags, old.description);
  INSERT INTO courses_fts(rowid, title, subtitle, tags, description)
  VALUES (new.seq, new.title, new.subtitle, new.tags, new.description);
END;
