/* H5P.RelaisChoice 1.0: one question, one right answer among a few, checked at
   once. Sends the xAPI "answered" statement with its score, like H5P's own
   question types. Written for Relais (MIT). */
var H5P = H5P || {};
H5P.RelaisChoice = (function () {
  function RelaisChoice(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  RelaisChoice.prototype = Object.create(H5P.EventDispatcher.prototype);
  RelaisChoice.prototype.constructor = RelaisChoice;

  RelaisChoice.prototype.attach = function ($container) {
    var self = this;
    var params = this.params;
    // A div, not a form: the player's sandbox allows no form submission (so no
    // submit event either); the button answers by itself.
    var root = document.createElement('div');
    root.className = 'h5p-relais-choice';
    var fieldset = document.createElement('fieldset');
    var legend = document.createElement('legend');
    legend.textContent = params.question;
    fieldset.appendChild(legend);
    var name = 'relais-choice-' + this.contentId;
    (params.answers || []).forEach(function (answer, index) {
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = name;
      input.value = String(index);
      label.appendChild(input);
      label.appendChild(document.createTextNode(answer.text));
      fieldset.appendChild(label);
    });
    root.appendChild(fieldset);
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = params.checkLabel || 'Vérifier';
    root.appendChild(button);
    var feedback = document.createElement('p');
    feedback.className = 'feedback';
    feedback.setAttribute('role', 'status');
    feedback.hidden = true;
    root.appendChild(feedback);
    button.addEventListener('click', function () {
      var chosen = root.querySelector('input:checked');
      if (!chosen) {
        feedback.hidden = false;
        feedback.className = 'feedback';
        feedback.textContent = params.chooseFirst || 'Choisissez une réponse.';
        return;
      }
      var answer = params.answers[Number(chosen.value)];
      var right = Boolean(answer.correct);
      feedback.hidden = false;
      feedback.className = 'feedback ' + (right ? 'right' : 'wrong');
      feedback.textContent = (right ? params.rightLabel || 'Bonne réponse.' :
        params.wrongLabel || 'Pas tout à fait.') + ' ' + (answer.feedback || '');
      var xapi = self.createXAPIEventTemplate('answered');
      xapi.setScoredResult(right ? 1 : 0, 1, self, true, right);
      self.trigger(xapi);
    });
    $container.get(0).appendChild(root);
  };
  return RelaisChoice;
})();
