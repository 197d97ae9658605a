// Peer (c) of the first-visit table: aws4fetch doing a signed fetch of GET /fuota-tasks/{Id}.
// Bundled by run.mjs with: esbuild --bundle --minify --format=esm --platform=browser
import { AwsClient } from 'aws4fetch';

export async function getFuotaTask({ id = 'x', region = 'us-east-1', endpoint } = {}) {
  const aws = new AwsClient({
    accessKeyId: 'ASIADEMOLOCALENDPOINT',
    secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one',
    sessionToken: 'demo-local-session-token',
    service: 'iotwireless',
    region,
    retries: 0,
  });
  const base = endpoint || `https://api.iotwireless.${region}.amazonaws.com`;
  const res = await aws.fetch(`${base}/fuota-tasks/${encodeURIComponent(id)}`);
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.message || body.Message || res.statusText), { status: res.status, body });
  return body;
}
