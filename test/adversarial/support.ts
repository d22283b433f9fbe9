/** Helpers of the adversarial suite: Redis users whose rights a test takes away, and cleanup on the shared Redis. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Redis user allowed everything; `deny`/`allow` take commands away and give them back, `disable` stops its logins. */
export interface AclUser {
  name: string;
  url: string;
  deny(...commands: string[]): Promise<unknown>;
  allow(...commands: string[]): Promise<unknown>;
  disable(): Promise<unknown>;
}

/** Creates an ACL user on `admin`'s server (remember its name for dropUsers). */
export async function aclUser(admin: Redis, redisUrl: string): Promise<AclUser> {
  const name = `cachegen-adv-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(8).toString('hex');
  await admin.call('ACL', 'SETUSER', name, 'on', `>${password}`, '~*', '&*', '+@all');
  const url = new URL(redisUrl);
  url.username = name;
  url.password = password;
  return {
    name,
    url: url.toString(),
    deny: (...commands) => admin.call('ACL', 'SETUSER', name, ...commands.map((c) => `-${c}`)),
    allow: (...commands) => admin.call('ACL', 'SETUSER', name, ...commands.map((c) => `+${c}`)),
    disable: () => admin.call('ACL', 'SETUSER', name, 'off'),
  };
}

/** Deletes the users and every key of the namespaces a test file created. */
export async function cleanUp(admin: Redis, { users = [], namespaces = [] }: { users?: readonly AclUser[]; namespaces?: readonly string[] }): Promise<void> {
  for (const user of users) await admin.call('ACL', 'DELUSER', user.name);
  for (const ns of namespaces) {
    const keys = await admin.keys(`${ns}:*`);
    if (keys.length) await admin.del(...keys);
  }
}

/** The ids of the bus (pub/sub) connections of one namespace, as CLIENT LIST shows them. */
export async function busConnectionIds(admin: Redis, namespace: string): Promise<string[]> {
  const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  return list.split('\n').filter((line) => line.includes(` name=${namespace}:bus `)).map((line) => /id=(\d+)/.exec(line)![1]!);
}

