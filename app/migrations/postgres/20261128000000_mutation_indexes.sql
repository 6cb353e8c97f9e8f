-- Every push writes a row to `mutations`, and each index on it is another b-tree write
-- per mutation (measured with the sync bench: the table's indexes were a good part of a
-- push's storage cost). Only two reads use the table: by id (the primary key, for
-- duplicates) and the supervisors' rejection log, which lists rejected mutations newest
-- first. So the log gets a partial index that applied mutations never touch, and the
-- (device_id, seq) index, which no query reads, goes.
DROP INDEX mutations_device_seq;
DROP INDEX mutations_outcome;
CREATE INDEX mutations_rejected ON mutations (received_at) WHERE outcome = 'rejected';
