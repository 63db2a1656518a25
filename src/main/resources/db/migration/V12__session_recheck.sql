-- Re-checking a single sign-on during the session (issue 17): the provider's refresh token of a portal session, and
-- when Berth last asked the provider whether the user is still allowed in.
ALTER TABLE sessions ADD COLUMN refresh_token VARCHAR(16384);
ALTER TABLE sessions ADD COLUMN checked_at TIMESTAMP WITH TIME ZONE;
