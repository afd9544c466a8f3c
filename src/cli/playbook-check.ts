// `incident-bot playbook check [FILE]`: validates a playbook file before it is merged or deployed.

import { DEFAULT_PLAYBOOK_PATH, loadPlaybook, PlaybookError } from '../storage/playbook-file.js';

export function playbookCheck(file: string = DEFAULT_PLAYBOOK_PATH): { code: number; output: string } {
  try {
    const { playbook, ref } = loadPlaybook(file);
    return {
      code: 0,
      output: `OK ${file}: playbook ${playbook.id} version ${ref.version} sha256 ${ref.sha256}`,
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
