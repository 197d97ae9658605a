// Peer (b) of the first-visit table: the AWS SDK for JavaScript v3 doing only GetFuotaTask.
// Bundled by run.mjs with: esbuild --bundle --minify --format=esm --platform=browser
// A client with static (temporary) credentials sends GetFuotaTask; `endpoint` lets run.mjs point it
// at the local endpoint to prove the bundle works, and is left out for AWS.
import { GetFuotaTaskCommand, IoTWirelessClient } from '@aws-sdk/client-iot-wireless';

export async function getFuotaTask({ id = 'demo-in-session', region = 'us-east-1', endpoint } = {}) {
  const client = new IoTWirelessClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    credentials: {
      accessKeyId: 'ASIADEMOLOCALENDPOINT',
      secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one',
      sessionToken: 'demo-local-session-token',
    },
  });
  return client.send(new GetFuotaTaskCommand({ Id: id }));
}
