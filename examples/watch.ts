// Using dctop's client and store from another TypeScript program (see the README).
// Run against any Docker Cloud API: DOCKERCLOUD_REST_HOST, DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY set.
import { DockerCloudClient } from 'dctop/api';
import { FleetStore } from 'dctop/store';

const client = await DockerCloudClient.connect(); // options, then DOCKERCLOUD_*, then ~/.docker/config.json
const store = new FleetStore(client, { maxFps: 2 });
const first = await store.start();
console.log(`${first.objects.container.size} containers, ${first.objects.service.size} services`);

store.subscribe((snapshot) => {
  const running = [...snapshot.objects.container.values()].filter((c) => c.state === 'Running').length;
  console.log(`${snapshot.health.state}${snapshot.stale ? ' (stale)' : ''}: ${running} running, ${snapshot.changed.size} changed`);
});

// Operate, and follow the action to its end through the event stream.
const [web] = (await client.list('service', { name: 'web' })).objects;
if (web) {
  const { actionUri } = await client.operate(web.resource_uri, 'redeploy');
  const action = await store.actions.track(actionUri!);
  console.log(`redeploy: ${action.state}`);
}
setTimeout(() => {
  store.close();
  void client.close();
}, 3000);
