-- Site stacks (issue 22) belong to the site account (_site) and reach their audience through shares: with groups as
-- any stack's, or with everyone who is signed in (kind 'everyone', subject 0), which only site stacks may have.

-- Services told who is calling (template: identity: headers), decided with the route when the stack is launched.
ALTER TABLE routes ADD COLUMN identity BOOLEAN DEFAULT FALSE NOT NULL;

