export { callTool, callTools, finalAnswer, ScriptedModel, type ScriptStep } from './scripted-model.js';
