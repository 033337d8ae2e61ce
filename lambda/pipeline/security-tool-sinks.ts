/**
 * Findings into the tools security teams already use, as sinks after the alert topic: AWS Security
 * Hub (ASFF, BatchImportFindings; the Id is stable per finding, so a retry updates and never
 * duplicates) and the default event bus (source `layerwatch`, detail-type `Lambda Layer Finding`).
 * Each throws on failure, so the invocation is retried (pipeline/sinks.ts), never the alert.
 */
import type { FindingSink } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';
import { type AsffFinding, renderAsff } from '../domain/render/asff.js';

export class SecurityHubSink implements FindingSink {
  readonly name = 'security-hub';

  constructor(
    private readonly hub: { import(findings: readonly AsffFinding[]): Promise<{ imported: number }> },
    private readonly where: { account: string; region: string; productVersion: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async deliver(finding: Finding): Promise<string> {
    const asff = renderAsff(finding, {
      productVersion: this.where.productVersion,
      updatedAt: this.now().toISOString(),
      account: this.where.account,
      region: this.where.region,
    });
    await this.hub.import([asff]);
    return asff.Id;
  }
}

export class FindingEventSink implements FindingSink {
  readonly name = 'finding-events';

  constructor(private readonly bus: { put(findings: readonly Finding[]): Promise<{ sent: number }> }) {}

  async deliver(finding: Finding): Promise<string> {
    await this.bus.put([finding]);
    return finding.findingId;
  }
}
