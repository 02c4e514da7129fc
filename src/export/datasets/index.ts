import type { Dataset } from '../dataset.ts';
import type { DatasetName } from '../layout.ts';
import { generationsDataset } from './generations.ts';
import { rollupsDataset } from './rollups.ts';
import { usageDataset } from './usage.ts';

export const EXPORT_DATASETS: Record<DatasetName, Dataset<never>> = {
  generations: generationsDataset as unknown as Dataset<never>,
  rollups: rollupsDataset as unknown as Dataset<never>,
  usage: usageDataset as unknown as Dataset<never>,
};
