import type { KeyName } from './keys';

/**
 * What disabling a key does, as `trades key disable` states it before it asks. Every sentence is a
 * consequence of how the stack uses the key (docs/design.md §2, §6); the ones only an account can show are on
 * the first-deploy checklist (docs/cli.md).
 */
export function disableImpact(key: KeyName, maxRecordAgeHours: number): readonly string[] {
  if (key === 'data') {
    return [
      'Producers fail at once: the stream is encrypted with this key, so every PutRecords is refused (KMSDisabledException).',
      'The trade-writer fails on every batch: it can neither read the stream nor write the lake. Every Athena read of trades fails, and so do reads of the lake and the failed-batch bucket, and trades replay.',
      `Records already on the stream wait there, but after maxRecordAgeHours (${maxRecordAgeHours} h on this stack) Lambda gives up on them, and its on-failure write to the failed-batch bucket needs this same key: those records are lost. Keep the key disabled for less than ${maxRecordAgeHours} hours, and enable it again with trades key enable.`,
    ];
  }
  return [
    'CloudTrail cannot encrypt trail files, so it delivers none to the trail bucket while the key is disabled: the record of who did what, this disable included, stops.',
    "CloudWatch Logs cannot encrypt new events of the stack's log groups (the writer, the replay function, the trail's copy): the trail's metric filters and their alarms see nothing.",
    'The alarm topic cannot encrypt messages: alarms change state, and no one is notified.',
    'Every query of the audit workgroup fails. Trades keep flowing: the audit key encrypts no trade data.',
  ];
}
