// Payload pieces shared by the bench's parent process and its load child.
import { fieldId as fieldBlock } from '../src/app/forms/communication.js';
import { stateValue } from '../test/support/slack-request.js';

export type Kind = 'slash' | 'button' | 'view';

/** The status-update form as submitted. */
export const updateValues = () => ({
  [fieldBlock('status')]: { v: stateValue.staticSelect('investigating') },
  [fieldBlock('developments')]: { v: stateValue.plainText('Secondary cluster is catching up') },
  [fieldBlock('risks')]: { v: stateValue.plainText('Lag may grow') },
  [fieldBlock('help')]: { v: stateValue.plainText('None') },
  [fieldBlock('next_update')]: { v: stateValue.plainText('11:00 UTC') },
});
