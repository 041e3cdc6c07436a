// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline scripts).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
