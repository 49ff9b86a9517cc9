-- Course search on PostgreSQL: what SQLite's 0006_marketplace_search, 0010 and
-- 0011_marketplace_facet_counts build with FTS5 and triggers, and the schema description
-- cannot express.
--
-- Words as FTS5's unicode61 tokenizer (remove_diacritics 2) reads them: split on everything
-- but letters and digits, lower-cased, accents removed, no stemming and no stop words. The
-- `course_search` configuration is `simple` behind `unaccent`; ASCII punctuation becomes a
-- space first, so `node.js` is the two words `node` and `js` (PostgreSQL's parser would read
-- a host name) as it is for FTS5 and for the query side.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION course_search (COPY = pg_catalog.simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION course_search
  ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart
  WITH unaccent, simple;
--> statement-breakpoint
CREATE FUNCTION course_search_words(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN regexp_replace($1, '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+', ' ', 'g');
--> statement-breakpoint
-- One tsvector per course, weighted as the FTS5 columns are by bm25: title A, subtitle B,
-- tags C, description D (ts_rank's weights are given per query, see search-ranking.ts).
ALTER TABLE courses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('course_search', course_search_words(title)), 'A') ||
  setweight(to_tsvector('course_search', course_search_words(subtitle)), 'B') ||
  setweight(to_tsvector('course_search', course_search_words(tags)), 'C') ||
  setweight(to_tsvector('course_search', course_search_words(description)), 'D')
) STORED;
--> statement-breakpoint
-- Matching and prefix type-ahead (`'pyth':*`) through one GIN index.
CREATE INDEX courses_search_idx ON courses USING gin (search_vector);
--> statement-breakpoint
-- Published courses per license and facet combination (category, level, language, free),
-- kept by a trigger, so catalog facet counts without a text query or range filter are read
-- from a few hundred rows instead of counted over every course.
CREATE TABLE course_facet_counts (
  license_id text NOT NULL,
  category text NOT NULL,
  level text NOT NULL,
  language text NOT NULL,
  free boolean NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (license_id, category, level, language, free)
);
--> statement-breakpoint
INSERT INTO course_facet_counts (license_id, category, level, language, free, n)
  SELECT license_id, category, level, language, price_amount = 0, count(*)
  FROM courses WHERE status = 'published' GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
CREATE FUNCTION course_facet_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
    UPDATE course_facet_counts SET n = n - 1
      WHERE license_id = OLD.license_id AND category = OLD.category AND level = OLD.level
        AND language = OLD.language AND free = (OLD.price_amount = 0);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
    INSERT INTO course_facet_counts AS f (license_id, category, level, language, free, n)
      VALUES (NEW.license_id, NEW.category, NEW.level, NEW.language, NEW.price_amount = 0, 1)
      ON CONFLICT (license_id, category, level, language, free) DO UPDATE SET n = f.n + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER course_facet_counts_insert AFTER INSERT ON courses
  FOR EACH ROW WHEN (NEW.status = 'published')
  EXECUTE FUNCTION course_facet_counts_keep();
--> statement-breakpoint
CREATE TRIGGER course_facet_counts_delete AFTER DELETE ON courses
  FOR EACH ROW WHEN (OLD.status = 'published')
  EXECUTE FUNCTION course_facet_counts_keep();
--> statement-breakpoint
CREATE TRIGGER course_facet_counts_update
  AFTER UPDATE OF status, category, level, language, price_amount ON courses
  FOR EACH ROW WHEN (
    (OLD.status, OLD.category, OLD.level, OLD.language, OLD.price_amount = 0)
    IS DISTINCT FROM
    (NEW.status, NEW.category, NEW.level, NEW.language, NEW.price_amount = 0)
  )
  EXECUTE FUNCTION course_facet_counts_keep();
