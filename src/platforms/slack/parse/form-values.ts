// A submitted Slack modal (`view.state.values`) read back into FormValues by field id, using the form it
// showed. A person must be a Slack user id; anything else is reported as not read.
import type { FieldErrors, FormValues, FormView } from '../../../views/form.js';
import { inputs } from '../../../views/form.js';
import { readChecked, readText, readUser, type StateValues } from '../render/modal-kit.js';

const SLACK_USER = /^[UW][A-Z0-9]+$/;

export function readForm(form: FormView, state: StateValues): { values: FormValues; errors: FieldErrors } {
  const values: FormValues = {};
  const errors: FieldErrors = {};
  for (const f of inputs(form)) {
    switch (f.kind) {
      case 'text':
      case 'choice':
      case 'date':
        values[f.id] = readText(state, f.id);
        break;
      case 'checks':
        values[f.id] = readChecked(state, f.id);
        break;
      case 'toggle':
        // a No/Yes radio answers "yes"; a single box is ticked when any option is (older forms: "drill", "none")
        values[f.id] = f.yesLabel ? readText(state, f.id) === 'yes' : readChecked(state, f.id).length > 0;
        break;
      case 'person': {
        const user = readUser(state, f.id);
        if (user && !SLACK_USER.test(user)) errors[f.id] = `Choose the ${f.label.toLowerCase()}.`;
        else values[f.id] = user;
        break;
      }
    }
  }
  return { values, errors };
}
