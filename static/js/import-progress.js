// Follows an import being checked or run: updates the progress bar, and shows the result
// when it is done.
const box = document.querySelector("[data-progress-url]");
if (box) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const poll = async () => {
    const answer = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const job = await answer.json();
    bar.value = job.progress;
    text.textContent = `${job.label}: ${job.progress}% done.`;
    if (!["checking", "queued", "running"].includes(job.state)) {
      window.location.reload();
    } else {
      setTimeout(poll, 1000);
    }
  };
  setTimeout(poll, 1000);
}
