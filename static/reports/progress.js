// Follows a report while it is built or published: asks for its state every two seconds and
// reloads the page once it is ready, published or has failed. Without JavaScript the page says to refresh it.
const box = document.querySelector("[data-report-state-url]");
if (box) {
  const text = box.querySelector("[data-report-state]");
  const poll = async () => {
    const answer = await fetch(box.dataset.reportStateUrl, { headers: { Accept: "application/json" } });
    if (answer.ok) {
      const report = await answer.json();
      text.textContent = `${report.label}.`;
      if (!["queued", "running", "publishing"].includes(report.state)) {
        window.location.reload();
        return;
      }
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}
