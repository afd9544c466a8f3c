// Every callback_id and action_id the Slack adapter uses. The manifest test checks these against
// slack/manifest.json; templates and listeners import them from here, never spell them twice.

export const SLASH_COMMAND = '/incident';

export const VIEW = {
  declare: 'incident_declare',
  initialAlert: 'incident_initial_alert',
  statusUpdate: 'incident_status_update',
  phase: 'incident_phase',
  close: 'incident_close',
  reclassify: 'incident_reclassify',
  logPick: 'incident_log_pick',
  followup: 'incident_followup',
  review: 'incident_review',
  recap: 'incident_recap',
  action: 'incident_action',
  /** An alert prompt's buttons (issue 21): the declare form prefilled, "Add to INC-…", "Dismiss". */
  alertDeclare: 'alert_declare_form',
  alertAttach: 'alert_attach_form',
  alertDismiss: 'alert_dismiss_form',
} as const;

export const SHORTCUT = {
  addToLog: 'add_to_incident_log',
} as const;

export const ACTION = {
  claimRole: 'role_claim',
  releaseRole: 'role_release',
  handoverRole: 'role_handover',
  /** Workstreams on the summary: take (`:{id}` suffix), release (`:{id}`), name a lead (block `ws:{id}:v{n}`). */
  leadWorkstream: 'workstream_lead',
  releaseWorkstream: 'workstream_release',
  assignWorkstream: 'workstream_assign',
  checkItem: 'checklist_toggle',
  openAlert: 'open_initial_alert',
  openUpdate: 'open_status_update',
  openPhase: 'open_phase',
  openClose: 'open_close',
  openReclassify: 'open_reclassify',
  openFollowup: 'open_followup',
  openReview: 'open_review',
  openRecap: 'open_recap',
  /** A playbook action's button: opens its confirmation (value: JSON `{ k: incident, p: prefill }`). */
  openAction: 'open_action',
  snooze: 'nudge_snooze',
  followupDone: 'followup_done',
  /** The roles nudge's Page button (`:{role}` suffix; value: JSON `{ i: incident, t: target }`). */
  page: 'page_oncall',
} as const;
