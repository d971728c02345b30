// What src/routes/push.ts puts before the service worker: the files to cache, and their version.
interface ServiceWorkerGlobalScope {
  SHELL: { version: string; files: string[] };
}
