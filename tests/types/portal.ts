// A portal written in TypeScript, using every member of fuota-console.d.ts; compiled by the test
// command with `tsc --noEmit` (strict). The `@ts-expect-error` lines are what the declarations must
// refuse: if one of them compiles, tsc reports the unused expectation and the check fails.
import { mount, ready, type Credentials, type MountOptions, type WidgetHandle } from '../../dist/fuota-console.js';

const credentials: Credentials = { accessKeyId: 'ASIA…', secretAccessKey: '…', sessionToken: '…', expiration: new Date() };

export async function embed(host: HTMLElement): Promise<WidgetHandle> {
  await ready;
  const options: MountOptions = { region: 'eu-west-1', taskId: 't-1', campaign: true, refresh: 30, credentialProvider: async () => credentials };
  const handle = await mount(host, options);
  handle.setTaskId('t-2');
  handle.setOptions({ ...options, relay: 'https://relay.example.com' });
  handle.refresh();
  handle.unmount();
  handle.free();
  // @ts-expect-error: a handle has no such method
  handle.start();
  return handle;
}

export function listen(): void {
  const element = document.createElement('fuota-task-console');
  element.credentials = credentials;
  element.credentialProvider = () => credentials;
  // @ts-expect-error: write-only: reading gives null, never the provider
  element.credentialProvider();
  element.taskId = 'demo-in-session';
  element.refresh();
  element.addEventListener('fuota-task-loaded', (event) => {
    const status: string | undefined = event.detail.Status;
    const size: number | undefined = event.detail.FragmentSizeBytes;
    console.log(status, size, event.detail.LoRaWAN?.RfRegion);
  });
  element.addEventListener('fuota-task-error', (event) => {
    const { code, message, serviceMessage, requestId } = event.detail;
    console.log(code.length, message, serviceMessage?.length, requestId);
  });
  document.addEventListener('fuota-devices-loaded', (event) => {
    const updated: number = event.detail.byStatus.Successful ?? 0;
    // @ts-expect-error: the verdict is one of the console's words, not any text
    const verdict: 'done' = event.detail.verdict;
    console.log(event.detail.total, updated, verdict);
  });
  element.addEventListener('fuota-write', (event) => {
    const outcome: 'succeeded' | 'failed' | 'unknown' = event.detail.outcome;
    // @ts-expect-error: a task id may be null (a create whose answer named none)
    const id: string = event.detail.taskId;
    console.log(event.detail.operation, outcome, event.detail.errorCode?.length, id);
  });
  void mount(element, { region: 'us-east-1', taskId: 't-1', campaign: true, writable: true });
  // @ts-expect-error: an option the widget does not have
  void mount(element, { taskID: 't-1' });
}
