-- PostgreSQL twin of db/migration/V10__display_names.sql (H2): keep the two in step; only the identity columns differ.
-- Names as identity providers spell them (issue 17): an account keeps the provider's spelling for display, and its key
-- (auth/Names: folded, then escaped) may be longer than the old 64 characters, as may a group's and an audit actor's.
ALTER TABLE users ADD COLUMN display_name VARCHAR(400);
ALTER TABLE users ALTER COLUMN username SET DATA TYPE VARCHAR(200);
ALTER TABLE groups ALTER COLUMN name SET DATA TYPE VARCHAR(200);
ALTER TABLE audit ALTER COLUMN actor SET DATA TYPE VARCHAR(200);
