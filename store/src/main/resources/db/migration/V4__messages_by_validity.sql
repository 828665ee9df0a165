-- For the expiry sweeper (Store.unsettledExpired): messages by the end of their validity, a range scan per sweep.
CREATE INDEX messages_by_valid_until ON messages (valid_until);
