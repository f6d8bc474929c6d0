import { addressRefusal, checkedAddress } from '../../platform/outbound-address';
import { retryDelayMillis, DEFAULT_WEBHOOK_RUNNER_OPTIONS } from '../../worker/webhook-runner';
import { sendWebhook } from '../../worker/webhook-sender';
import { startWebhookReceiver } from '../support/webhook-receiver';

describe('outbound addresses', () => {
  it.each([
    ['10.1.2.3', 'PRIVATE'],
    ['172.16.0.1', 'PRIVATE'],
    ['192.168.1.1', 'PRIVATE'],
    ['127.0.0.1', 'LOOPBACK'],
    ['::1', 'LOOPBACK'],
    ['::ffff:127.0.0.1', 'LOOPBACK'],
    ['::ffff:7f00:1', 'LOOPBACK'],
    ['::ffff:10.0.0.1', 'PRIVATE'],
    ['64:ff9b::a9fe:a9fe', 'LINK_LOCAL'],
    ['169.254.169.254', 'LINK_LOCAL'],
    ['fe80::1', 'LINK_LOCAL'],
    ['fd12:3456::1', 'UNIQUE_LOCAL'],
    ['100.64.0.1', 'SHARED'],
    ['224.0.0.251', 'MULTICAST'],
    ['ff02::1', 'MULTICAST'],
    ['0.0.0.0', 'UNSPECIFIED'],
    ['::', 'UNSPECIFIED'],
    ['255.255.255.255', 'RESERVED'],
  ])('refuses %s (%s)', (address, refusal) => {
    expect(addressRefusal(address)).toBe(refusal);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('lets the public address %s through', (address) => {
    expect(addressRefusal(address)).toBeNull();
  });

  it('checks every address of a name, and allows loopback only when told', async () => {
    await expect(checkedAddress('localhost', { allowLoopback: false })).rejects.toThrow(/LOOPBACK/);
    await expect(checkedAddress('[::1]', { allowLoopback: true })).resolves.toEqual({ address: '::1', family: 6 });
    await expect(checkedAddress('[fd00::1]', { allowLoopback: true })).rejects.toThrow(/UNIQUE_LOCAL/);
  });
});

describe('webhook retry schedule', () => {
  it('spans about a day with jitter inside ±20 %, then gives up', () => {
    const delays = DEFAULT_WEBHOOK_RUNNER_OPTIONS.retryDelaysMillis;
    expect(delays.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(17.6, 1);
    expect(retryDelayMillis(1, DEFAULT_WEBHOOK_RUNNER_OPTIONS, () => 0)).toBe(4000);
    expect(retryDelayMillis(1, DEFAULT_WEBHOOK_RUNNER_OPTIONS, () => 1)).toBe(6000);
    expect(retryDelayMillis(delays.length + 1, DEFAULT_WEBHOOK_RUNNER_OPTIONS)).toBeNull();
  });
});

describe('a webhook request', () => {
  it('connects to the address it checked, so a name that resolves differently later cannot move it', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const port = new URL(receiver.url).port;
      const answers = [[{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.1', family: 4 }]];
      // rebind.invalid resolves nowhere in real DNS: the request can only arrive if the checked answer is used.
      const resolve = async () => answers.shift() ?? [];
      const sent = await sendWebhook(`http://rebind.invalid:${port}/hooks`, { 'webhook-id': 'msg_1' }, '{}', {
        policy: { allowLoopback: true, resolve },
        timeoutMillis: 5000,
      });
      expect(sent).toMatchObject({ statusCode: 200, refused: false });
      expect(receiver.received.map((r) => [r.headers.host, r.headers['webhook-id']])).toEqual([[`rebind.invalid:${port}`, 'msg_1']]);
      const rebound = await sendWebhook(`http://rebind.invalid:${port}/hooks`, {}, '{}', { policy: { allowLoopback: true, resolve }, timeoutMillis: 5000 });
      expect(rebound).toMatchObject({ statusCode: null, refused: true, error: expect.stringMatching(/PRIVATE/) });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
