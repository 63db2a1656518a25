-- Where a published port is reached when it is not the portal's public host: a Swarm node other than the manager
-- (ports published on the task's node only). NULL: server.public_host.
ALTER TABLE published_ports ADD COLUMN host VARCHAR(255);
