// The host page's own code: it listens to the kit's events like any DOM event.
const note = document.getElementById('selection');
document.getElementById('pricing').addEventListener('lx-plan-select', (event) => {
  const { planId, interval } = event.detail;
  note.textContent = `You chose the ${planId} plan, billed per ${interval}. Checkout opens here once payments are enabled.`;
});
