/** English copy of the dashboard’s ticket form, loaded with the form. */
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

export type TicketFormKey = keyof typeof ticketFormMessages;
