-- Keys that sign identity assertions (issue 22), shared by every Berth on this database. private_jwk is the key as
-- a JSON Web Key with its private part; the public parts are published at /.well-known/jwks.json. The newest key whose
-- created_at lies PUBLISH_AHEAD in the past signs (identity/SigningKeys); retired_at is when the next key took over,
-- and a key is deleted once every assertion it signed has expired.
CREATE TABLE signing_keys (
    kid         VARCHAR(64)   PRIMARY KEY,
    algorithm   VARCHAR(16)   NOT NULL,
    private_jwk VARCHAR(4096) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at  TIMESTAMP WITH TIME ZONE
);
