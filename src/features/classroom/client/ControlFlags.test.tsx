// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DataPanel } from '../../playground/client/DataPanel';
import { Toolbar } from '../../playground/client/Toolbar';
import { DEFAULT_CONFIG } from '../../playground/meta';
import { ClassroomProvider, useControlFlags } from './ClassroomProvider';

afterEach(cleanup);

function Controls() {
  return (
    <>
      <Toolbar config={DEFAULT_CONFIG} snapshot={null} walking={false} setConfig={() => {}} onPlayPause={() => {}} onReset={() => {}} onStep={() => {}} onWalkthrough={() => {}} />
      <DataPanel config={DEFAULT_CONFIG} setConfig={() => {}} />
    </>
  );
}

function Invalid() {
  return <output data-testid="invalid">{useControlFlags().invalidParams.join(' ')}</output>;
}

describe('control flags in the components that own the controls', () => {
  it('without a provider nothing is hidden or locked', () => {
    render(<Controls />);
    for (const id of ['learning-rate', 'activation', 'speed', 'step-epoch', 'walkthrough', 'train-ratio', 'noise', 'batch-size', 'regenerate', 'dataset-xor']) {
      expect(screen.getByTestId(id)).not.toHaveProperty('disabled', true);
    }
  });

  it('?hide= removes exactly the named controls; ?lock= disables them', () => {
    render(
      <ClassroomProvider search="?hide=learningRate,activation,stepButtons,noise&lock=dataset,speed,walkthrough&hide=x">
        <Controls />
        <Invalid />
      </ClassroomProvider>,
    );
    for (const id of ['learning-rate', 'activation', 'step-sample', 'step-batch', 'step-epoch', 'noise']) expect(screen.queryByTestId(id), id).toBeNull();
    for (const id of ['regularization', 'regularization-rate', 'train-ratio', 'batch-size', 'regenerate']) expect(screen.getByTestId(id)).toHaveProperty('disabled', false);
    for (const id of ['speed', 'walkthrough', 'dataset-circle', 'dataset-spiral']) expect(screen.getByTestId(id)).toHaveProperty('disabled', true);
    expect(screen.getByTestId('invalid').textContent).toBe('hide=x');
  });

  it('the presenter view hides the advanced controls and reports bad ids', () => {
    render(
      <ClassroomProvider search="?presenter=1&hide=nope">
        <Controls />
        <Invalid />
      </ClassroomProvider>,
    );
    expect(screen.queryByTestId('batch-size')).toBeNull();
    expect(screen.queryByTestId('regenerate')).toBeNull();
    expect(screen.getByTestId('learning-rate')).toBeTruthy();
    expect(screen.getByTestId('invalid').textContent).toBe('hide=nope');
  });
});
