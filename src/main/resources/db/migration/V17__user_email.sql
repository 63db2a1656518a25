-- The e-mail address of a user who signs in through single sign-on, when the provider says it verified it (claim
-- email_verified); services whose template asks who is calling (identity: headers) are told it.
ALTER TABLE users ADD COLUMN email VARCHAR(320);
