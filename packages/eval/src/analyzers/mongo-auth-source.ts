import {
  type Analyzer,
  clip,
  containerSections,
  type Finding,
  loggedLines,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** The MongoDB drivers' and server's word for refused credentials (error code 18, AuthenticationFailed). */
const AUTH_FAILED = /Authentication failed|AuthenticationFailed/;
/** A MongoDB connection string in a container's environment: its path's database and its options. */
const MONGO_URL =
  /^\s{2,}([A-Z0-9_]{1,60}):\s+(mongodb(?:\+srv)?:\/\/[^\s/?]{1,500}\/([A-Za-z0-9_-]{1,64})?(?:\?(\S{0,1000}))?)\s*$/m;

/**
 * MongoDB credentials checked against the wrong database: a connection string without `authSource`
 * authenticates against the database in its path (MongoDB's "Connection String Options": authSource
 * defaults to the defaultauthdb, else admin), so a user created in `admin` (where operators usually
 * create them) is not found when the path names the application's database, and the server answers
 * "Authentication failed" (UserNotFound in its log) although the password is right. Found from the
 * program's log and the connection string in its environment; the fix is `?authSource=admin`.
 */
export const mongoAuthSourceAnalyzer: Analyzer = {
  name: 'mongo-auth-source',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const { log, line } of loggedLines(seen, ns, (l) => l.length <= 2000 && AUTH_FAILED.test(l))) {
      const pod = String(log.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      for (const c of containerSections(d.content).filter((s) => !s.init)) {
        const m = MONGO_URL.exec(c.body);
        if (!m) continue;
        const [, variable, url, db, options] = m;
        if (!db || db === 'admin' || /(?:^|&)authSource=/i.test(options ?? '')) continue;
        const owner = ownerDeployment(d.content);
        const out: Finding = {
          weight: 90,
          object: podObject(owner, pod),
          cause: `MongoDB refuses the credentials because they are checked against the wrong database: ${variable} (${clip(url!, 120)}) names the database ${db} and no authSource, so the driver authenticates against ${db} (the authentication database defaults to the one in the connection string's path), while the service's user is defined in another database, usually admin; the server finds no such user there and answers "Authentication failed" ("${clip(line.trim(), 140)}"). The password and the Secret are not the problem`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`,
            `describe_pod ${pod}: ${variable}: ${clip(url!, 140)}`,
          ],
          advice: `add authSource=admin (the database the user was created in) to ${variable}: ${url}${options ? '&' : '?'}authSource=admin`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
