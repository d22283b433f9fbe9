/**
 * cachegen/runtime/cdc: change-data-capture invalidation. Database writes become tag
 * invalidations through PostgreSQL triggers + LISTEN/NOTIFY, or Debezium events from NATS
 * JetStream or Kafka. See docs/cdc.md.
 */
export { cdcConfigSchema, parseCdcConfig, CdcConfigError, tableTagOf, DEFAULT_CHANNEL, DEFAULT_MAX_ROWS } from './config.js';
export type { CdcConfig, CdcTableConfig, CdcTables, PostgresCdcConfig, NatsCdcConfig, KafkaCdcConfig } from './config.js';
export { parseRowTemplate, renderRowTags, templateColumns } from './templates.js';
export type { RowTemplate, RenderResult } from './templates.js';
export { ChangeHandler } from './handler.js';
export type { Invalidator, TableChange, CdcFeed, ChangeHandlerOptions } from './handler.js';
export { parseDebezium } from './debezium.js';
export type { DebeziumParseResult, DebeziumOp } from './debezium.js';
export { generateTriggerSql, generateDropSql, quoteIdent, quoteLiteral, functionNameOf, TRIGGER_NAMES } from './postgres/sql.js';
export { applyTriggerSql, checkSchema } from './postgres/apply.js';
export { parseNotifyPayload, MAX_NOTIFY_PAYLOAD_BYTES } from './postgres/payload.js';
export { PostgresCdcListener, defaultBackoff } from './postgres/listener.js';
export type { PostgresListenerOptions, PostgresListenerEvents } from './postgres/listener.js';
export { NatsCdcConsumer } from './nats.js';
export type { NatsCdcOptions, NatsCdcEvents } from './nats.js';
export { KafkaCdcConsumer } from './kafka.js';
export type { KafkaCdcOptions, KafkaCdcEvents } from './kafka.js';
export { startCdc } from './start.js';
export type { RunningCdc } from './start.js';
