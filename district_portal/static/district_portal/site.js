// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline scripts).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// An irreversible step asks first: a button (or form) with data-confirm="…" submits only when the
// user agrees. Without scripts the form still submits, and the server's own checks still hold.
document.addEventListener("submit", function (event) {
  var source = event.submitter && event.submitter.dataset.confirm ? event.submitter : event.target;
  var message = source.dataset ? source.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// The privacy gate's confirmation of possible names: offered in each form that posts on the page.
document.addEventListener("DOMContentLoaded", function () {
  var template = document.getElementById("privacy-confirm");
  if (!template) return;
  document.querySelectorAll("main form[method=post], main form[method=POST]").forEach(function (form, index) {
    var box = template.content.cloneNode(true);
    var input = box.querySelector("input");
    input.id = "privacy-confirm-box-" + index;
    box.querySelector("label").htmlFor = input.id;
    var submit = form.querySelector("[type=submit], button:not([type])");
    if (submit) submit.parentNode.insertBefore(box, submit); else form.appendChild(box);
  });
});
