// fuota-console.d.ts — the types of fuota-console.js, for portals written in TypeScript.
//
// Shipped beside fuota-console.js (Trunk copies it into dist/). The test command compiles the
// example portal's script and a typed use of every member below against it (`tsc --noEmit`).

/** Temporary AWS credentials, as STS gives them. Never reflected to an attribute. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When they stop working: a Date, an ISO-8601 string or epoch milliseconds. */
  expiration?: Date | string | number;
}

/** Asked for credentials when the widget needs them, and again before or after they expire. */
export type CredentialProvider = () => Credentials | Promise<Credentials>;

/** What `mount()` and `setOptions()` take. */
export interface MountOptions {
  /** The AWS region whose IoT Wireless endpoint is signed for, e.g. "eu-west-1". */
  region?: string | null;
  taskId?: string | null;
  /** A custom endpoint (a local or private one): signed for and sent to. `http://` only on this computer. */
  endpoint?: string | null;
  /** A relay that forwards to the region's endpoint with the signed Host: only sent to. `http://` only on this computer. */
  relay?: string | null;
  /**
   * The only hosts (`host` or `host:port`, as the URL spells it) the widget may send to: the
   * region's endpoint, the custom endpoint or the relay. Not given: any these options name.
   */
  allowedHosts?: string[] | null;
  credentials?: Credentials | null;
  credentialProvider?: CredentialProvider | null;
  /** Show the task's devices and multicast groups too, read again while the task runs. */
  campaign?: boolean;
  /** The region's rollouts instead of a task (their writes only with `writable`). */
  rollouts?: boolean;
  /**
   * With `campaign`: offer the shown task's writes (edit, add devices or groups, schedule, delete),
   * each reviewed and sent only on the user's word. Off by default: a widget never writes unless its
   * portal turns this on. A widget never creates a task. Read once, at mount: `setOptions()` does
   * not change it.
   */
  writable?: boolean;
  /** Seconds between reads of a running task: 5 to 3600 (default 30). */
  refresh?: string | number | null;
}

/** What `mount()` gives back. */
export interface WidgetHandle {
  /** Stops any request, removes the widget and lets go of what it holds (its credentials too). */
  unmount(): void;
  /** Reads the task again. */
  refresh(): void;
  setTaskId(taskId: string): void;
  /** New options: the old credentials are forgotten. Throws an Error whose message says what is wrong. */
  setOptions(options: MountOptions): void;
  /** Frees the handle's wasm memory once it is unmounted. */
  free(): void;
}

/** The FUOTA task's status; a status the console does not know yet is kept as the service wrote it. */
export type TaskStatus = "Pending" | "FuotaSession_Waiting" | "In_FuotaSession" | "FuotaDone" | "Delete_Waiting" | (string & {});

/** `fuota-task-loaded`'s detail: the task as GetFuotaTask returned it (members the service omits are absent). */
export interface FuotaTask {
  Arn?: string;
  Id?: string;
  Status?: TaskStatus;
  Name?: string;
  Description?: string;
  LoRaWAN?: { RfRegion?: string; StartTime?: string };
  FirmwareUpdateImage?: string;
  FirmwareUpdateRole?: string;
  /** Epoch seconds, possibly fractional. */
  CreatedAt?: number;
  RedundancyPercent?: number;
  FragmentSizeBytes?: number;
  FragmentIntervalMS?: number;
  /** Base64. */
  Descriptor?: string;
  [member: string]: unknown;
}

/** `fuota-task-error`'s detail. It never holds a secret. */
export interface TaskErrorDetail {
  /** The AWS error code (`AccessDeniedException`, …) or the console's own (`NetworkError`, `CorsBlocked`, …). */
  code: string;
  /** One sentence that says what happened and what to do next. */
  message: string;
  serviceMessage: string | null;
  requestId: string | null;
}

export type TaskVerdict = "not-started" | "in-progress" | "succeeded" | "partly-failed" | "failed" | "no-devices";

/** `fuota-devices-loaded`'s detail, once every device of the task is read (with the `campaign` attribute). */
export interface DevicesLoadedDetail {
  total: number;
  /** Devices per `FuotaDeviceStatus` as the service returned it ("" for devices without one). */
  byStatus: Record<string, number>;
  verdict: TaskVerdict;
}

/** `fuota-write`'s detail, when a write the user confirmed has ended (one for an Associate batch). */
export interface WriteDetail {
  /** The API operation, e.g. `CreateFuotaTask`, `AssociateWirelessDeviceWithFuotaTask`. */
  operation: string;
  /** `unknown`: it may have reached the service and was not sent again; the task is read again. */
  outcome: "succeeded" | "failed" | "unknown";
  errorCode: string | null;
  /** The task written to; a new task's id once created. */
  taskId: string | null;
}

export interface FuotaConsoleEventMap {
  "fuota-task-loaded": CustomEvent<FuotaTask>;
  "fuota-task-error": CustomEvent<TaskErrorDetail>;
  "fuota-devices-loaded": CustomEvent<DevicesLoadedDetail>;
  "fuota-write": CustomEvent<WriteDetail>;
}

/**
 * `<fuota-task-console region task-id endpoint relay theme campaign writable refresh>`: the console
 * in its own shadow root. `campaign` and `writable` are read once, when the element first connects
 * (a script adding them later, or re-inserting the element, changes nothing); `refresh` at each connect.
 */
export declare class FuotaTaskConsole extends HTMLElement {
  /** Write-only: reading it gives null, so that no other script can get the provider from the element. */
  get credentialProvider(): null;
  set credentialProvider(provider: CredentialProvider | null);
  /** Write-only: reading it gives null. */
  get credentials(): null;
  set credentials(credentials: Credentials | null);
  get taskId(): string | null;
  set taskId(id: string);
  /** Reads the task again. */
  refresh(): void;
  addEventListener<K extends keyof FuotaConsoleEventMap>(type: K, listener: (this: FuotaTaskConsole, event: FuotaConsoleEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** Resolves once the wasm is compiled and started. */
export declare const ready: Promise<unknown>;

/** Mounts the task console into `element`; rejects with an Error whose message says what is wrong. */
export declare function mount(element: HTMLElement, options?: MountOptions): Promise<WidgetHandle>;

declare global {
  interface HTMLElementTagNameMap {
    "fuota-task-console": FuotaTaskConsole;
  }
  // The events bubble out of the widget (composed): a portal hears them on the document too.
  interface DocumentEventMap extends FuotaConsoleEventMap {}
}
