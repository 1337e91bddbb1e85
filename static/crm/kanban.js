/* Drag a deal card onto another stage: POST to the board's move endpoint (the move-stage service),
 * then keep the card in its new column, or put it back and say why. */
(function () {
  "use strict";
  var board = document.querySelector(".board");
  if (!board) return;
  var status = document.getElementById("board-status");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var dragged = null;

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest(".card");
    if (!card || card.getAttribute("draggable") !== "true") return;
    dragged = card;
    event.dataTransfer.setData("text/plain", card.dataset.dealId);
  });
  board.querySelectorAll(".column").forEach(function (column) {
    column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      if (!dragged || dragged.parentElement === column) return;
      var card = dragged, origin = dragged.parentElement;
      column.appendChild(card);
      fetch(board.dataset.moveUrl + card.dataset.dealId + "/move/", {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({stageId: column.dataset.stageId, reason: "Moved on the board"}),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok && body.ok, body: body}; });
      }).then(function (result) {
        if (result.ok) {
          status.textContent = "Moved to " + column.dataset.stageName + ".";
        } else {
          origin.appendChild(card);
          status.textContent = "Not moved: " + (result.body.message || "error");
        }
      }).catch(function () {
        origin.appendChild(card);
        status.textContent = "Not moved: network error";
      });
    });
  });
})();
