// Copy only: kept apart from the view so the server can list it without loading Lit.
/** English copy of the form; overridable like the dashboard's own keys. */
export const ticketFormMessages = {
  'ticket.subject': 'Subject',
  'ticket.body': 'What happened?',
  'ticket.priority': 'Priority',
  'ticket.send': 'Send ticket',
  'ticket.sending': 'Sending…',
  'ticket.cancel': 'Cancel',
  'ticket.required': 'Fill this in.',
  'ticket.done': 'Ticket opened: {subject}',
} as const;
