-- PostgreSQL twin of db/migration/V9__published_port_hosts.sql (H2): keep the two in step; only the identity columns differ.
-- Where a published port is reached when it is not the portal's public host: a Swarm node other than the manager
-- (ports published on the task's node only). NULL: server.public_host.
ALTER TABLE published_ports ADD COLUMN host VARCHAR(255);
