// fuota-console.js — the FUOTA task console as an ES module with a stable name.
//
// The page loads it (no inline script: the Content-Security-Policy allows none); portals load it
// to get the <fuota-task-console> custom element and mount(). It loads the content-hashed wasm
// beside it, wherever it is hosted (sub-paths and other origins work: URLs are relative to this
// module). Generated from www/fuota-console.js by scripts/trunk_post_build.py at build time.
import * as glue from './__GLUE__';

const init = glue.default;
const mountWidget = glue.mount;

const here = (file) => new URL(file, import.meta.url).href;

/** Resolves once the wasm is compiled and started (the page mounts itself then). */
export const ready = init({ module_or_path: here('__WASM__') });

/** The wasm memory, for the benchmark's measurements only: the build hook drops it from every
 * other build, so that the page's module hands no script the memory in which the keys lie. */
export let memory; // bench-only
ready.then((wasm) => { memory = wasm.memory; }); // bench-only

/** The signing loop of the benchmark's build (scripts/bench.sh); the build hook drops it otherwise. */
export const benchSign = glue.benchSign; // bench-only

/**
 * Mounts the task console into `element`.
 * options: { region, taskId, endpoint, relay, credentials?: {accessKeyId, secretAccessKey,
 * sessionToken, expiration}, credentialProvider?: async () => credentials, campaign?: true (the
 * task's devices and multicast groups too), writable?: true (with campaign: the task's writes, each
 * reviewed and confirmed), rollouts?: true (the region's rollouts instead of a task; their writes
 * only with writable), refresh?: seconds between reads of a live task }.
 * Returns a handle: unmount(), refresh(), setTaskId(id), setOptions(options).
 */
export async function mount(element, options = {}) {
  await ready;
  return mountWidget(element, options);
}

const STYLESHEET = here('__CSS__');

/**
 * <fuota-task-console region task-id endpoint relay campaign writable rollouts refresh>: the console in its
 * own shadow root. `campaign`, `writable` and `rollouts` are read once, when the element first connects, and
 * kept for its life: a script that adds `writable` later, or removes the element and inserts it
 * again, gets no writes. `refresh` is read at each connect.
 */
class FuotaTaskConsole extends HTMLElement {
  static observedAttributes = ['region', 'task-id', 'endpoint', 'relay'];

  #handle = null;
  #provider = null;
  #credentials = null;
  #generation = 0;
  /** `campaign` and `writable` as the element first connected. */
  #fixed = null;

  /** async () => ({accessKeyId, secretAccessKey, sessionToken, expiration}). Write-only: reading
   * it gives null, so that no other script on the portal can call the provider for credentials. */
  get credentialProvider() { return null; }
  set credentialProvider(provider) { this.#provider = provider; this.#update(); }

  /** {accessKeyId, secretAccessKey, sessionToken, expiration}; never reflected to an attribute. */
  get credentials() { return null; }
  set credentials(credentials) { this.#credentials = credentials; this.#update(); }

  get taskId() { return this.getAttribute('task-id'); }
  set taskId(id) { this.setAttribute('task-id', id); }

  connectedCallback() {
    this.#fixed ??= { campaign: this.hasAttribute('campaign'), writable: this.hasAttribute('writable'), rollouts: this.hasAttribute('rollouts') };
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren();
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = STYLESHEET;
    const host = document.createElement('div');
    host.className = 'fc-host';
    // The widget's place while the wasm and its parts load: a skeleton as tall as the console's
    // first frame, so the portal's layout does not jump when the console arrives. The stylesheet
    // hides it once the console has drawn something (an error included); a failure before that
    // turns it into the sentence. Its size is set here, not only in the stylesheet, which a shadow
    // root does not wait for.
    const skeleton = document.createElement('div');
    skeleton.className = 'fc-skeleton';
    skeleton.setAttribute('role', 'status');
    skeleton.textContent = 'Loading the FUOTA console…';
    skeleton.style.minBlockSize = 'var(--fc-skeleton-size, 100rem)';
    host.append(skeleton);
    root.append(style, host);
    const generation = ++this.#generation;
    // Removed (or re-added) while the wasm or the widget's part loaded: that connection no longer counts.
    const stale = () => generation !== this.#generation || !this.isConnected;
    ready.then(() => {
      if (stale()) return undefined;
      const mounted = this.#options();
      return mountWidget(host, mounted).then((handle) => {
        if (stale()) { handle.unmount(); handle.free(); return; }
        this.#handle = handle;
        // Attributes or credentials changed while the widget's part loaded: the handle did not
        // exist yet to hear of them, so it takes them now.
        const now = this.#options();
        if (Object.keys(now).some((key) => now[key] !== mounted[key])) this.#update();
      });
    }).catch((error) => {
      // Nothing of the console was drawn: the skeleton says so rather than loading forever.
      const skeleton = root.querySelector('.fc-skeleton');
      if (skeleton && !stale()) {
        skeleton.setAttribute('role', 'alert');
        skeleton.textContent = `The FUOTA widget did not start. ${String(error?.message ?? error)}`;
        skeleton.style.minBlockSize = '';
      }
      this.#fail(error);
    });
  }

  disconnectedCallback() {
    this.#generation++;
    this.#handle?.unmount();
    this.#handle?.free();
    this.#handle = null;
    this.shadowRoot?.replaceChildren();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this.#handle) return;
    if (name === 'task-id') this.#handle.setTaskId(value ?? '');
    else this.#update();
  }

  /** Loads the task again. */
  refresh() { this.#handle?.refresh(); }

  #options() {
    return {
      region: this.getAttribute('region'),
      taskId: this.getAttribute('task-id'),
      endpoint: this.getAttribute('endpoint'),
      relay: this.getAttribute('relay'),
      campaign: this.#fixed?.campaign ?? false,
      writable: this.#fixed?.writable ?? false,
      rollouts: this.#fixed?.rollouts ?? false,
      refresh: this.getAttribute('refresh'),
      credentials: this.#credentials,
      credentialProvider: this.#provider,
    };
  }

  #update() {
    if (!this.#handle) return;
    try { this.#handle.setOptions(this.#options()); } catch (error) { this.#fail(error); }
  }

  #fail(error) {
    this.dispatchEvent(new CustomEvent('fuota-task-error', {
      bubbles: true, composed: true,
      detail: { code: 'WidgetError', message: String(error?.message ?? error), serviceMessage: null, requestId: null },
    }));
  }
}

if (!customElements.get('fuota-task-console')) customElements.define('fuota-task-console', FuotaTaskConsole);
