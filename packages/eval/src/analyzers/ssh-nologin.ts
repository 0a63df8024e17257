import { type Analyzer, bonus, boundedLogLines, clip, type Finding, outputs } from './types.js';

/** An /etc/passwd entry (`git:x:1000:1000::/data/git:/usr/sbin/nologin`): name, uid and login shell. */
const PASSWD =
  /^([a-z_][a-z0-9_-]{0,31}):[^:\n]{0,100}:(\d{1,10}):\d{1,10}:[^:\n]{0,200}:[^:\n]{0,300}:(\S{1,200})$/;
/** The program name of a shell path (`nologin` of `/usr/sbin/nologin`). */
const baseShell = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Login shells that refuse every command (nologin(8), false(1)). */
const REFUSING_SHELL = /(?:^|\/)(?:nologin|false)$/;

/**
 * An SSH service whose account has a login shell that refuses commands: sshd runs every command of a
 * session, a forced command included (git-upload-pack for a clone), as `<shell> -c <command>`, so with
 * /usr/sbin/nologin or /bin/false as the account's shell every SSH clone or command fails ("nologin:
 * invalid option -- 'c'", "This account is currently not available") while HTTPS and the web UI work
 * (sshd(8), "Login process"; nologin(8)). Found from a task about SSH and a passwd entry some pod of the
 * namespace printed (a debug pod's `getent passwd`). No reads of its own.
 */
export const sshNologinAnalyzer: Analyzer = {
  name: 'ssh-nologin',
  reads: () => [],
  finds({ seen, ns, task, hints }): Finding[] {
    const asked = task.slice(0, 4000);
    // An SFTP-only account runs no login shell (ForceCommand internal-sftp): nologin is normal there.
    if (!/\bssh\b/i.test(asked) || /\bsftp\b/i.test(asked)) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns))
      for (const line of boundedLogLines(o.content)) {
        const m = line.length <= 800 ? PASSWD.exec(line.trim()) : null;
        if (!m || !REFUSING_SHELL.test(m[3]!) || m[2] === '0') continue;
        // A service account of the program: uid 1000 to 59999 (not nobody's 65534), or the user a task's
        // SSH address logs in as (`git@host`); not a system account the task happens to name.
        const uid = Number(m[2]);
        const loginUser = new RegExp(`(?:^|[\\s'"\`(])${m[1]}@[a-z0-9]`, 'i').test(asked);
        if (!loginUser && (uid < 1000 || uid >= 60000 || m[1] === 'nobody')) continue;
        const pod = String(o.args['name'] ?? '');
        return [
          {
            weight: 84 + bonus(m[1]!, hints),
            object: `the ${m[1]} user's login shell`,
            cause: `the ${m[1]} user that SSH logs in as has the login shell ${m[3]} ("${clip(line.trim(), 120)}", printed by pod ${pod}): sshd runs every command of an SSH session, the forced command of a git clone included, through the user's login shell (${m[3]} -c <command>), and ${baseShell(m[3]!)} refuses every command, so each SSH clone fails ("Could not read from remote repository") while HTTPS and the web UI, which do not log in, work`,
            evidence: [`get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`],
            advice: `give the ${m[1]} user a shell that runs commands (/bin/sh or /bin/bash; git-shell for a git-only account) in the image (usermod -s /bin/sh ${m[1]} in its Dockerfile, or the image's own setting for it), then rebuild the image and roll it out; the keys are not the problem`,
          },
        ];
      }
    return [];
  },
};
