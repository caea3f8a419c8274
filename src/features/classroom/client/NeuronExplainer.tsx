/**
 * A short, illustrated explainer: a biological neuron (dendrites, soma, axon, synapse) beside an
 * artificial one (inputs, weights, sum, activation), and the main parts of the central nervous
 * system (cerebral cortex, cerebellum, brainstem, spinal cord). Inline SVG, labels translated.
 */
import { useI18n } from '../../../i18n/I18nProvider';

function BiologicalNeuron() {
  const { t } = useI18n();
  const dendrites = ['M120 90 L70 50 L45 30', 'M70 50 L60 20', 'M115 100 L60 95 L30 80', 'M60 95 L35 110', 'M120 112 L75 150 L50 170', 'M75 150 L85 180'];
  return (
    <svg viewBox="0 0 520 200" role="img" aria-labelledby="bio-neuron-title" className="explainer-svg" data-testid="explainer-biological">
      <title id="bio-neuron-title">{t('classroom.explainer.bioFigure')}</title>
      {dendrites.map((d) => <path key={d} d={d} stroke="#7b5ea7" strokeWidth="5" fill="none" strokeLinecap="round" />)}
      <circle cx="140" cy="100" r="34" fill="#c9b6e4" stroke="#7b5ea7" strokeWidth="4" />
      <circle cx="140" cy="100" r="11" fill="#7b5ea7" />
      <line x1="174" y1="100" x2="400" y2="100" stroke="#7b5ea7" strokeWidth="6" />
      {[200, 250, 300, 350].map((x) => <rect key={x} x={x} y="90" width="38" height="20" rx="9" fill="#f2d27a" stroke="#b08a1e" />)}
      <path d="M400 100 L440 75 M400 100 L445 100 M400 100 L440 125" stroke="#7b5ea7" strokeWidth="4" />
      {[75, 100, 125].map((y) => <circle key={y} cx={(y === 100 ? 447 : 442)} cy={y} r="6" fill="#7b5ea7" />)}
      <path d="M470 60 Q460 100 470 140" stroke="#3a7d44" strokeWidth="6" fill="none" />
      <text x="20" y="18" className="explainer-label">{t('classroom.explainer.dendrites')}</text>
      <text x="110" y="160" className="explainer-label">{t('classroom.explainer.soma')}</text>
      <text x="250" y="80" className="explainer-label">{t('classroom.explainer.axon')}</text>
      <text x="400" y="170" className="explainer-label">{t('classroom.explainer.synapse')}</text>
      <line x1="450" y1="155" x2="458" y2="120" stroke="#333" />
    </svg>
  );
}

function ArtificialNeuron() {
  const { t } = useI18n();
  const inputs = [40, 100, 160];
  return (
    <svg viewBox="0 0 520 200" role="img" aria-labelledby="ann-title" className="explainer-svg" data-testid="explainer-artificial">
      <title id="ann-title">{t('classroom.explainer.annFigure')}</title>
      {inputs.map((y, k) => (
        <g key={y}>
          <line x1="70" y1={y} x2="250" y2="100" stroke={k === 1 ? '#f59322' : '#0877bd'} strokeWidth={k === 1 ? 2 : 4} />
          <circle cx="50" cy={y} r="20" fill="#fff" stroke="#333" strokeWidth="2" />
          <text x="50" y={y + 6} textAnchor="middle" className="explainer-math">x{'₁₂₃'[k]}</text>
          <text x="150" y={(y + 100) / 2 - 6} textAnchor="middle" className="explainer-math">w{'₁₂₃'[k]}</text>
        </g>
      ))}
      <circle cx="275" cy="100" r="30" fill="#e8f4fb" stroke="#333" strokeWidth="2" />
      <text x="275" y="110" textAnchor="middle" className="explainer-sigma">Σ</text>
      <text x="275" y="150" textAnchor="middle" className="explainer-math">+ b</text>
      <line x1="305" y1="100" x2="350" y2="100" stroke="#333" strokeWidth="2" />
      <rect x="350" y="75" width="60" height="50" rx="6" fill="#fff8e1" stroke="#333" strokeWidth="2" />
      <text x="380" y="108" textAnchor="middle" className="explainer-math">f</text>
      <line x1="410" y1="100" x2="470" y2="100" stroke="#333" strokeWidth="2" markerEnd="url(#explainer-arrow)" />
      <defs>
        <marker id="explainer-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0 0 L10 5 L0 10 z" fill="#333" />
        </marker>
      </defs>
      <text x="480" y="106" className="explainer-math">a</text>
      <text x="10" y="195" className="explainer-label">{t('classroom.explainer.inputs')}</text>
      <text x="120" y="195" className="explainer-label">{t('classroom.explainer.weights')}</text>
      <text x="245" y="195" className="explainer-label">{t('classroom.explainer.sum')}</text>
      <text x="345" y="195" className="explainer-label">{t('classroom.explainer.activation')}</text>
    </svg>
  );
}

function NervousSystem() {
  const { t } = useI18n();
  return (
    <svg viewBox="0 0 520 260" role="img" aria-labelledby="cns-title" className="explainer-svg" data-testid="explainer-brain">
      <title id="cns-title">{t('classroom.explainer.brainFigure')}</title>
      {/* cerebrum, its outer layer (the cortex) drawn as a thick rim; front of the head on the left */}
      <path d="M60 130 C40 60 120 20 200 25 C280 20 340 60 330 125 C320 160 270 165 240 160 L120 165 C85 165 65 150 60 130 Z" fill="#f6d5da" stroke="#c25b6e" strokeWidth="10" />
      <path d="M110 70 q20 -20 40 0 q20 20 40 0 q20 -20 40 0 M120 110 q25 -20 50 0 q25 20 50 0" stroke="#c25b6e" strokeWidth="3" fill="none" />
      <ellipse cx="280" cy="180" rx="48" ry="28" fill="#d9c7a6" stroke="#8a6d3b" strokeWidth="3" />
      <path d="M278 170 q-10 10 0 20 M292 168 q-10 12 0 24" stroke="#8a6d3b" strokeWidth="2" fill="none" />
      <path d="M215 150 C225 180 228 200 226 215 L248 215 C248 195 245 175 240 150 Z" fill="#b7d3c0" stroke="#3a7d44" strokeWidth="3" />
      <rect x="228" y="215" width="18" height="45" fill="#cfe3f3" stroke="#0877bd" strokeWidth="3" />
      <g className="explainer-label">
        <text x="340" y="40">{t('classroom.explainer.cortex')}</text>
        <line x1="338" y1="36" x2="300" y2="50" stroke="#333" />
        <text x="340" y="190">{t('classroom.explainer.cerebellum')}</text>
        <text x="40" y="215">{t('classroom.explainer.brainstem')}</text>
        <line x1="180" y1="210" x2="225" y2="195" stroke="#333" />
        <text x="40" y="250">{t('classroom.explainer.spinalCord')}</text>
        <line x1="180" y1="245" x2="226" y2="245" stroke="#333" />
      </g>
    </svg>
  );
}

export function NeuronExplainer() {
  const { t } = useI18n();
  return (
    <section className="neuron-explainer" data-testid="neuron-explainer" aria-labelledby="neuron-explainer-title">
      <h2 id="neuron-explainer-title">{t('classroom.explainer.title')}</h2>
      <div className="explainer-grid">
        <figure>
          <BiologicalNeuron />
          <figcaption>
            <h3>{t('classroom.explainer.bioTitle')}</h3>
            <ul>
              <li>{t('classroom.explainer.bio.dendrites')}</li>
              <li>{t('classroom.explainer.bio.soma')}</li>
              <li>{t('classroom.explainer.bio.axon')}</li>
              <li>{t('classroom.explainer.bio.synapse')}</li>
            </ul>
          </figcaption>
        </figure>
        <figure>
          <ArtificialNeuron />
          <figcaption>
            <h3>{t('classroom.explainer.annTitle')}</h3>
            <ul>
              <li>{t('classroom.explainer.ann.inputs')}</li>
              <li>{t('classroom.explainer.ann.sum')}</li>
              <li>{t('classroom.explainer.ann.activation')}</li>
              <li>{t('classroom.explainer.ann.learning')}</li>
            </ul>
          </figcaption>
        </figure>
      </div>
      <h3>{t('classroom.explainer.differencesTitle')}</h3>
      <p>{t('classroom.explainer.differences')}</p>
      <figure className="explainer-brain">
        <NervousSystem />
        <figcaption>
          <h3>{t('classroom.explainer.brainTitle')}</h3>
          <ul>
            <li>{t('classroom.explainer.brain.cortex')}</li>
            <li>{t('classroom.explainer.brain.cerebellum')}</li>
            <li>{t('classroom.explainer.brain.brainstem')}</li>
            <li>{t('classroom.explainer.brain.spinalCord')}</li>
          </ul>
          <p className="hint">{t('classroom.explainer.brain.note')}</p>
        </figcaption>
      </figure>
    </section>
  );
}
