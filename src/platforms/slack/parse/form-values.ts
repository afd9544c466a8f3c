// A submitted Slack modal (`view.state.values`) read back into FormValues by field id, using the form it
// showed. A person must be a Slack user id; anything else is reported as not read.
import type { FieldErrors, FormValues, FormView } from '../../../views/form.js';
import { readFields } from '../../../views/form.js';
import { readChecked, readText, readUser, type StateValues } from '../render/modal-kit.js';

const SLACK_USER = /^[UW][A-Z0-9]+$/;

export function readForm(form: FormView, state: StateValues): { values: FormValues; errors: FieldErrors } {
  return readFields(form, {
    text: (f) => readText(state, f.id),
    checks: (f) => readChecked(state, f.id),
    // a No/Yes radio answers "yes"; a single box is ticked when any option is (older forms: "drill", "none")
    toggle: (f) => (f.yesLabel ? readText(state, f.id) === 'yes' : readChecked(state, f.id).length > 0),
    person: (f) => {
      const user = readUser(state, f.id);
      return user && !SLACK_USER.test(user)
        ? { error: `Choose the ${f.label.toLowerCase()}.` }
        : { value: user };
    },
  });
}
