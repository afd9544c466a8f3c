// The declare modal: title, trigger class (with its examples), impact, severe customer impact, drill, IC.

import { LIMITS } from '../../../../domain/forms.js';
import type { Playbook } from '../../../../domain/playbook.js';
import { VIEW } from '../../ids.js';
import {
  type Block,
  checkboxes,
  encodeMeta,
  input,
  modal,
  option,
  radio,
  readChecked,
  readText,
  readUser,
  type StateValues,
  staticSelect,
  textInput,
  usersSelect,
} from './kit.js';

/** Block ids equal the declare form's field names, so zod's field errors map onto blocks directly. */
export const DECLARE_BLOCK = {
  title: 'title',
  triggerClass: 'triggerClass',
  impact: 'impact',
  severeImpact: 'severeImpact',
  drill: 'drill',
  commander: 'commander',
} as const;

export interface DeclareModalInput {
  /** Where /incident declare was typed (kept in private_metadata: the fallback room). */
  channelId: string;
  /** Who declares: the default incident commander. */
  userId: string;
  title?: string;
}

export function declareModal(pb: Playbook, o: DeclareModalInput): Block {
  const triggers = pb.triggers.map((t) => option(t.name, t.id, t.examples.join(', ') || t.description));
  const blocks: Block[] = [
    input(
      DECLARE_BLOCK.title,
      'Title',
      textInput({ initial: o.title, max: LIMITS.title, placeholder: 'What is happening, in a few words' }),
    ),
    input(
      DECLARE_BLOCK.triggerClass,
      'Trigger class',
      staticSelect(triggers, undefined, 'Which activation condition is met?'),
      {
        hint: 'If there is uncertainty, err on the side of activating the procedures and downgrading later during triage.',
      },
    ),
    input(
      DECLARE_BLOCK.impact,
      'Impact',
      textInput({
        multiline: true,
        max: LIMITS.impact,
        placeholder: 'Customer / system impact as known now',
      }),
    ),
    input(
      DECLARE_BLOCK.severeImpact,
      'Severe customer impact?',
      radio([option('No', 'no'), option('Yes: status updates every 15 minutes', 'yes')], 'no'),
    ),
    input(
      DECLARE_BLOCK.drill,
      'Drill',
      checkboxes([option('This is a drill (an exercise, not a real incident)', 'drill')]),
      {
        optional: true,
      },
    ),
    input(DECLARE_BLOCK.commander, 'Incident commander', usersSelect(o.userId), {
      optional: true,
      hint: 'Defaults to you.',
    }),
  ];
  return modal({
    callbackId: VIEW.declare,
    title: 'Declare an incident',
    submit: 'Declare',
    blocks,
    privateMetadata: encodeMeta({ c: o.channelId }),
  });
}

/** The raw form for `declareFormSchema(pb)`. */
export function readDeclareValues(values: StateValues): Record<string, unknown> {
  const commander = readUser(values, DECLARE_BLOCK.commander);
  return {
    title: readText(values, DECLARE_BLOCK.title) ?? '',
    triggerClass: readText(values, DECLARE_BLOCK.triggerClass) ?? '',
    impact: readText(values, DECLARE_BLOCK.impact) ?? '',
    severeImpact: readText(values, DECLARE_BLOCK.severeImpact) === 'yes',
    drill: readChecked(values, DECLARE_BLOCK.drill).includes('drill'),
    ...(commander ? { commander } : {}),
  };
}
