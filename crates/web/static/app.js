// After a failed form, take the keyboard and screen-reader user straight to the list of errors.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
