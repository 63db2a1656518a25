-- Who did what to what, when, from where, and how it ended: every state-changing request and Berth's own actions
-- (culls). Never a secret: no bodies, passwords or tokens.
CREATE TABLE audit (
    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    at      TIMESTAMP WITH TIME ZONE NOT NULL,
    actor   VARCHAR(64),
    action  VARCHAR(64)  NOT NULL,
    target  VARCHAR(255),
    address VARCHAR(64),
    result  INT          NOT NULL,
    detail  VARCHAR(1000)
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_actor ON audit(actor, at);
