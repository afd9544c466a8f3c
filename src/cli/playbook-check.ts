// `incident-bot playbook check [FILE]`: validates a playbook file before it is merged or deployed.

import { allLinks, isAbsolute } from '../domain/playbook.js';
import { actionsOf, unsetVariables } from '../domain/playbook-actions.js';
import { DEFAULT_PLAYBOOK_PATH, loadPlaybook, PlaybookError } from '../storage/playbook-file.js';

export function playbookCheck(
  file: string = DEFAULT_PLAYBOOK_PATH,
  /** The environment the bot will run in (the CLI's): actions whose variables it lacks are noted. */
  env?: (name: string) => string | undefined,
): { code: number; output: string } {
  try {
    const { playbook, ref } = loadPlaybook(file);
    // actions are valid without their variables; here they would be refused as "not configured"
    const unconfigured = (env ? actionsOf(playbook) : [])
      .map((a) => ({ a, unset: unsetVariables(a, (n) => Boolean(env?.(n))) }))
      .filter((x) => x.unset.length);
    const relative = playbook.linkBase ? [] : allLinks(playbook).filter((l) => !isAbsolute(l.link.url));
    return {
      code: 0,
      output: [
        `OK ${file}: playbook ${playbook.id} version ${ref.version} sha256 ${ref.sha256}`,
        ...(relative.length
          ? [
              `warning: ${relative.length} relative link${relative.length === 1 ? '' : 's'} and no links.base: people see them as text, not links. Set links.base to where the handbook and runbooks live (e.g. https://wiki.example.com/handbook/):`,
              ...relative.map((l) => `  ${l.path}: ${l.link.url}`),
            ]
          : []),
        ...unconfigured.map(
          (x) =>
            `note: action ${x.a.id} is not configured in this environment (set ${x.unset.join(', ')}); it is refused until then.`,
        ),
      ].join('\n'),
    };
  } catch (err) {
    if (err instanceof PlaybookError) {
      const n = err.errors.length;
      return {
        code: 1,
        output: [`INVALID ${file}: ${n} error${n === 1 ? '' : 's'}`, ...err.errors].join('\n'),
      };
    }
    throw err;
  }
}
