-- The W3C traceparent of the HTTP request that accepted the delivery, so the Kafka record continues its trace
-- (docs/operations/tracing.md). Nullable: rows spooled before this column existed, or while tracing is off, have
-- none and are published without the header.
ALTER TABLE webhook_spool ADD COLUMN traceparent TEXT;
