-- pgbench: the bare rotation transaction on the store's own tables (100,000 sessions, one
-- live token each, hashed as sha256 of the session number): spend a token, insert its
-- successor, update the session's last use.
\set i random(1, 100000)
BEGIN;
UPDATE refresh_tokens SET spent_at = extract(epoch FROM clock_timestamp()), successor_hash = sha256(random()::text::bytea)
  WHERE hash = sha256(int8send(:i));
INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip)
  VALUES (sha256(random()::text::bytea), 's' || :i, sha256(int8send(:i)), extract(epoch FROM clock_timestamp()), '203.0.113.1');
UPDATE sessions SET last_used_at = extract(epoch FROM clock_timestamp()) WHERE id = 's' || :i;
END;
