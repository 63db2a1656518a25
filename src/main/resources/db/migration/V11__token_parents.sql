-- The token that made a token through the API (NULL: made on the tokens page, with a session). Deleting a token
-- deletes the tokens it made, and theirs: revoking a leaked token ends everything it minted.
ALTER TABLE api_tokens ADD COLUMN parent_id BIGINT;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_parent FOREIGN KEY (parent_id) REFERENCES api_tokens(id) ON DELETE CASCADE;
