/** `cachegen edge vcl|nginx [spec]`: writes the Varnish VCL or nginx config that caches what the spec says and purges as the runtime does. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { nginxConfig } from '../../edge/nginx.js';
import { varnishVcl } from '../../edge/vcl.js';
import { loadProject } from '../../project.js';
import { parseCommandArgs, projectOptions, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { projectOptionsFrom } from '../project-args.js';

export const command: Command = {
  summary: 'Write a Varnish VCL or nginx proxy_cache config from the spec (edge caching and purging)',
  help: `Usage: cachegen edge <vcl|nginx> [spec] [options]

Writes the edge cache's configuration from the spec's x-cache (docs/edge.md):
  vcl     Varnish 7 with vmod_xkey (Debian: varnish, varnish-modules). Purged by tag (xkey).
  nginx   nginx proxy_cache with ngx_cache_purge (Debian: nginx, libnginx-mod-http-cache-purge),
          to include in the http {} block. Purged by URL: operations with a tag nginx cannot map
          to URLs (e.g. one read from the response) are left to the app, and listed on stderr.

Options:
  --backend <host:port>   the app (vcl; also accepted as --upstream)
  --upstream <host:port>  the app (nginx)
  --purge-from <addr>     an address allowed to PURGE, repeatable (default 127.0.0.1 and ::1)
  --listen <[addr:]port>  nginx listen (default 8080)
  --cache-dir <dir>       nginx cache folder (default /var/cache/nginx/cachegen)
  --out <file>            write here instead of stdout
  -c, --config <f>        config file (default: cache.config.ts in the current folder)
  --spec <file>           the spec (same as the argument)
  --cwd <dir>             folder to run in
  -h, --help              show this help

Check the result with \`varnishd -C -f <file>\` or \`nginx -t\`.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('edge', args, {
      ...projectOptions,
      out: { type: 'string', short: 'o' },
      backend: { type: 'string' },
      upstream: { type: 'string' },
      'purge-from': { type: 'string', multiple: true },
      listen: { type: 'string' },
      'cache-dir': { type: 'string' },
    });
    const [kind, ...rest] = positionals;
    if (kind !== 'vcl' && kind !== 'nginx') throw new UsageError('edge: say which config to write: `cachegen edge vcl` or `cachegen edge nginx`');
    const app = values.backend ?? values.upstream;
    if (!app) throw new UsageError(`edge ${kind}: --${kind === 'vcl' ? 'backend' : 'upstream'} <host:port> is required (where the app listens)`);
    const options = projectOptionsFrom({ ...values, out: undefined }, rest, io.cwd);
    const { ir } = await loadProject(options);
    const purgers = values['purge-from'] ?? [];
    let text: string;
    if (kind === 'vcl') {
      text = varnishVcl(ir, { backend: app, purgers });
    } else {
      const result = nginxConfig(ir, {
        upstream: app, purgers,
        ...(values.listen ? { listen: values.listen } : {}),
        ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
      });
      text = result.text;
      for (const { operationId, reason } of result.refused) io.stderr.write(`cachegen edge nginx: ${operationId} is not cached by nginx: ${reason}\n`);
    }
    if (!values.out) { io.stdout.write(text); return 0; }
    const file = resolve(options.cwd, values.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    io.stdout.write(`wrote ${relative(io.cwd, file) || file}\n`);
    return 0;
  },
};
