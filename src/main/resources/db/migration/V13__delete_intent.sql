-- A delete is recorded before it is answered (state DELETING) and finished by whichever Berth runs next, so a stack
-- answered as deleted never comes back after a crash. Whether its volumes go too: TRUE keeps them. NULL: not deleting.
ALTER TABLE stacks ADD COLUMN delete_keeps_data BOOLEAN;
