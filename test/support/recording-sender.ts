// A Sender that accepts every row and keeps it, for dispatcher tests that check what was sent and how.
import type { OutboxRow, Sender, SendResult } from '../../src/app/ports.js';

export class RecordingSender implements Sender {
  sent: OutboxRow[] = [];
  async send(row: OutboxRow): Promise<SendResult> {
    this.sent.push(row);
    return { status: 'sent' };
  }
}
